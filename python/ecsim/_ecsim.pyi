"""Type stubs of the native module; use the ``ecsim`` package, not this module."""

from typing import Any, Dict, List, Optional, Tuple

__version__: str

class Scenario:
    """A loaded, validated scenario: made by ``ecsim.load``."""

    @property
    def name(self) -> str:
        """The scenario's ``name``."""
    @property
    def seed(self) -> int:
        """The master seed runs use when given none."""
    @property
    def horizon_s(self) -> float:
        """Simulated seconds a run lasts."""
    @property
    def warmup_s(self) -> float:
        """Seconds before the measurement window opens."""
    @property
    def path(self) -> str:
        """The file it came from, or the name a string or dict was given."""
    @property
    def text(self) -> str:
        """The TOML text loaded, before ``set=`` overrides."""
    @property
    def overrides(self) -> List[str]:
        """The ``set=`` overrides applied, as ``KEY=VALUE``."""
    @property
    def notes(self) -> List[str]:
        """What loading decided for the user to know."""
    @property
    def warnings(self) -> List[str]:
        """The scenario's warnings, as ``ecsim validate`` prints them."""
    @property
    def allow_large(self) -> bool:
        """Whether runs beyond the size limits are allowed."""
    def to_toml(self) -> str:
        """The scenario's TOML, with ``set=`` overrides applied."""

def load_path(path: str, set: List[str], allow_large: bool = False) -> Scenario: ...
def load_text(text: str, name: str, set: List[str], allow_large: bool = False) -> Scenario: ...
def load_dict(doc: Dict[str, Any], name: str, set: List[str], allow_large: bool = False) -> Scenario: ...
def literal(value: Any, field: str) -> str: ...
def parse_vary(text: str) -> Tuple[str, List[str]]: ...
def run(scenario: Scenario, seed: Optional[int] = None, tasks: str = "all", trace: Optional[str] = None) -> Dict[str, Any]: ...
def write_files(dir: str, files: List[Tuple[str, bytes]]) -> List[str]: ...
def write_report(dir: str, description: Optional[str] = None) -> str: ...
def description(text: str) -> Optional[str]: ...
def run_sweep(
    scenario: Scenario, vary: List[Tuple[str, List[str]]], replications: int, jobs: Optional[int] = None
) -> Tuple[str, str, str, str]: ...
def run_compare(
    scenario: Scenario, legs: List[str], seed: Optional[int] = None, recommend_commitment: bool = False
) -> Dict[str, str]: ...
