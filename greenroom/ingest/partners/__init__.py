"""greenroom's partner simulator: the synthetic world served through the partners' protocols.

See docs/partners.md. Only this package and the connectors' tests talk to it directly.
"""

from greenroom.ingest.partners.app import PartnerStats
from greenroom.ingest.partners.config import SimulatorConfig
from greenroom.ingest.partners.faults import FAULT_KINDS, Fault, FaultKind
from greenroom.ingest.partners.simulator import Simulator, serve
from greenroom.ingest.partners.world import FEED_FILES, load_feed_records

__all__ = [
    "FAULT_KINDS",
    "FEED_FILES",
    "Fault",
    "FaultKind",
    "PartnerStats",
    "Simulator",
    "SimulatorConfig",
    "load_feed_records",
    "serve",
]
