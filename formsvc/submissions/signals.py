"""What happens to submissions, announced to whoever needs to know (blinker signals).

The staff side (formsvc.review.intake) notes every submission as it arrives; it subscribes
here, so that submitting needs to know nothing of the layers above it. Receivers run in the
submitting transaction: what they add is stored with the submission, and an error they raise
fails the submission as a whole.

Both are sent with the Submission as sender and ``session=`` and ``resubmitted=`` (True for the
answers to a correction request) as keyword arguments.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# The submission's answers are in place and it is about to be stored (a new one has no id yet):
# what receivers write on it goes into the same INSERT (or UPDATE) as its answers.
submission_arriving = _signals.signal("submission-arriving")

# The submission is stored (it has its id and its audit event).
submission_received = _signals.signal("submission-received")
