"""The tagger agent: classifies an instrument the catalogue does not know, rationale first.

The rationale is the first field so the model reasons before it answers (the guide's
InstrumentClassificationWithRationale). Every allocation map is checked against the reference
vocabularies and must sum to 100 (± 0.05); a failing output is re-asked by pydantic-ai with the
validation errors. The symbol and name are user-supplied, so they reach the model cleaned and as
data. The rationale goes to the audit trail; the classification, with the model id as its
source, into the shared catalogue (only while the symbol is still unclassified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_ai import Agent

from alex.agents.guarded import GuardrailEvent
from alex.agents.llm import OutputMode, new_agent
from alex.agents.prompts import load
from alex.domain.taxonomy import AllocationError, AssetClass, InstrumentType, Region, Sector, check_allocation

TASK: Final = "Classify this instrument."
_VOCABULARIES: Final[dict[str, type[StrEnum]]] = {
    "asset_class": AssetClass,
    "regions": Region,
    "sectors": Sector,
}


@dataclass(slots=True)
class TaggerDeps:
    symbol: str
    events: list[GuardrailEvent] = field(default_factory=list)


class InstrumentClassificationWithRationale(BaseModel):
    """One instrument's classification; ``rationale`` MUST stay the first field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rationale: str = Field(
        min_length=20,
        max_length=1500,
        description="why these classifications: issuer, index, holdings, domicile; say when unsure",
    )
    instrument_type: InstrumentType
    asset_class: dict[AssetClass, float] = Field(description="percent by asset class, summing to 100")
    regions: dict[Region, float] = Field(description="percent by region, summing to 100")
    sectors: dict[Sector, float] = Field(description="percent by sector, summing to 100")

    @field_validator("asset_class", "regions", "sectors")
    @classmethod
    def _sums_to_100(cls, value: dict[Any, float], info: ValidationInfo) -> dict[Any, float]:
        name = info.field_name or "allocation"
        try:
            check_allocation({str(k): v for k, v in value.items()}, _VOCABULARIES[name], what=name)
        except AllocationError as exc:
            raise ValueError(str(exc)) from exc
        return value

    def maps(self) -> dict[str, dict[str, float]]:
        """The three allocation maps with plain string keys (already checked by the validators)."""
        return {
            name: {str(key): weight for key, weight in allocation.items()}
            for name, allocation in (
                ("asset_class", self.asset_class),
                ("regions", self.regions),
                ("sectors", self.sectors),
            )
        }


def build(
    *, mode: OutputMode, output_retries: int
) -> Agent[TaggerDeps, InstrumentClassificationWithRationale]:
    return new_agent(
        InstrumentClassificationWithRationale,
        TaggerDeps,
        name="tagger",
        instructions=load("tagger").text,
        mode=mode,
        output_retries=output_retries,
    )


def summarise(result: InstrumentClassificationWithRationale) -> tuple[dict[str, Any], str | None]:
    return {"instrument_type": result.instrument_type.value, **result.maps()}, result.rationale
