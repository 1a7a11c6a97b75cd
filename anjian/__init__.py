"""anjian (安监): plan inspectors, emergency vehicles and relief stocks for a city's
work-safety and emergency-management offices.

The public Python API. Scripts, the CLI and the Streamlit app all go through it::

    import anjian
    s = anjian.load_scenario("chongqing")
    anjian.district_table(s).head()
"""

from scenarios import Scenario, ScenarioError, load_scenario
from scenarios.builtin import names as builtin_scenarios
from scenarios.summary import category_table, district_table, staff_table

__version__ = "0.1.0"

__all__ = [
    "Scenario",
    "ScenarioError",
    "__version__",
    "builtin_scenarios",
    "category_table",
    "district_table",
    "load_scenario",
    "staff_table",
]
