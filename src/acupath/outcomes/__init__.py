"""Progress of one patient: responder status by instrument at each checkpoint, and alerts.

``evaluate(plan, session_records, reassessments, kb=None)`` returns a ``Progress``; ``parse_records``
reads the RECORDS format (see ``acupath.outcomes.records``) and ``parse_diary`` its headache diary;
``Progress.verdict`` is the responder statement every page says and ``in_force`` the checkpoints a plan
carries (``acupath.outcomes.verdict``).
"""

from acupath.outcomes.diary import HeadacheDays
from acupath.outcomes.progress import Alert, CheckpointStatus, Progress, evaluate
from acupath.outcomes.records import DiaryMonth, Reassessment, SessionRecord, parse_diary, parse_records
from acupath.outcomes.verdict import Verdict, in_force

__all__ = ["Alert", "CheckpointStatus", "DiaryMonth", "HeadacheDays", "Progress", "Reassessment", "SessionRecord",
           "Verdict", "evaluate", "in_force", "parse_diary", "parse_records"]
