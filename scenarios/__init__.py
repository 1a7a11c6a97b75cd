"""Planning scenarios: the validated data every simulation and optimizer takes as input.

>>> from scenarios import load_scenario
>>> s = load_scenario("toy")
>>> len(s.districts)
3
"""

from .errors import ScenarioError
from .loader import load_scenario
from .scenario import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
