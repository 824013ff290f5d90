"""Make the repository root importable: the package is not installed in the venv and pyproject sets no
``pythonpath`` for pytest."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
