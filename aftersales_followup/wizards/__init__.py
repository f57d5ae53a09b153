from . import aftersales_handover_correction
from . import aftersales_odometer_correction
from . import aftersales_officer_reassign
from . import mail_compose_message
