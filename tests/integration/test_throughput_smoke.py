"""The throughput benchmark, tiny: it runs end to end on the real broker and prints its table.

No timing is asserted (CI machines vary); this only keeps the benchmark runnable.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.broker
REPO = Path(__file__).resolve().parents[2]
SMOKE_TIMEOUT_S = 600


def test_quick_benchmark_prints_the_table(tmp_path: Path) -> None:
    command = [
        *(sys.executable, "-m", "bench.throughput", "--quick", "--records", "40"),
        *("--only", "transport", "faust-tuned", "worker-rs", "--profile"),
        *("--log-dir", str(tmp_path)),
    ]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout
    for row in (
        "1. aiokafka consume->produce",
        "2. faust passthrough, tuned app",
        "3. full worker, langdetect-rs",
        "4. core alone, langdetect-rs",
    ):
        assert f"| {row} | 40 |" in table
    assert "3/4 full worker / core alone" in table
    assert "| language |" in table
