"""Signals other apps listen to (accounts is below them and imports none of them)."""

from django.dispatch import Signal

# An account has had repeated wrong passwords (apps.accounts.throttle): at most once per alert
# window. Arguments: user, failures (in the window so far), source (the latest client address),
# window_start (epoch seconds). apps.notifications e-mails the holder.
repeated_sign_in_failures = Signal()
