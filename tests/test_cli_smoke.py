import subprocess
import sys


def test_help_runs():
    out = subprocess.run([sys.executable, "-m", "tradeoff", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "Usage" in out.stdout
