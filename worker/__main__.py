import signal
import sys

# First thing, before the imports below take their few hundred milliseconds: a SIGTERM this
# early stops a worker that has consumed nothing, so it is a clean exit (0), not death by signal.
# The runner and then faust install their own handlers once they are up.
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))

from worker.cli import main  # noqa: E402

raise SystemExit(main())
