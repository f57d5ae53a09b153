from . import aftersales_report_mixin
from . import aftersales_appointment_report
from . import aftersales_call_report
from . import aftersales_case_report
from . import aftersales_dashboard
from . import aftersales_call_kpi
