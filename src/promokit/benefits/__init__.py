"""One module per benefit kind: its AST node and everything the stages need to know about it
(`spec.BenefitSpec`); `registry.spec_for` finds a node's spec (docs/architecture.md#adding-a-benefit)."""

from .registry import SPECS, spec_for
from .spec import BenefitSpec, Evaluation, LayerPolicy

__all__ = ["SPECS", "BenefitSpec", "Evaluation", "LayerPolicy", "spec_for"]
