from . import aftersales_handover_correction
