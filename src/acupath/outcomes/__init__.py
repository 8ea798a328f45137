"""Progress of one patient: responder status by instrument at each checkpoint, and alerts.

``evaluate(plan, session_records, reassessments, kb=None)`` returns a ``Progress``; ``parse_records``
reads the RECORDS format (see ``acupath.outcomes.records``).
"""

from acupath.outcomes.progress import Alert, CheckpointStatus, Progress, evaluate
from acupath.outcomes.records import Reassessment, SessionRecord, parse_records

__all__ = ["Alert", "CheckpointStatus", "Progress", "Reassessment", "SessionRecord", "evaluate", "parse_records"]
