"""greenroom's partner simulator: the synthetic world served through the partners' protocols.

See docs/partners.md. Only this package and the connectors' tests talk to it directly.
"""

from greenroom.synth.partners.app import PartnerStats
from greenroom.synth.partners.config import SimulatorConfig
from greenroom.synth.partners.faults import FAULT_KINDS, Fault, FaultKind
from greenroom.synth.partners.simulator import Simulator, serve
from greenroom.synth.partners.world import FEED_FILES, load_feed_records

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
