from . import test_coverage
from . import test_claim_workflow
from . import test_feedback
from . import test_claim_followup_call
from . import test_warranty_end_need
from . import test_translation
from . import test_views
from . import test_migrations
