import sys
from pathlib import Path

# journey.py and the stack launcher are plain modules beside the tests.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "dev"))
