from . import aftersales_appointment_report
