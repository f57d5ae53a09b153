from . import test_request_stock
from . import test_arrival
from . import test_fill_rate
from . import test_compatibility
from . import test_parts_return
from . import test_bad_input
from . import test_appointment_parts
