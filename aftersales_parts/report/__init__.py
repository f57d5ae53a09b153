from . import aftersales_parts_report
from . import aftersales_parts_revenue_report
from . import aftersales_dashboard
