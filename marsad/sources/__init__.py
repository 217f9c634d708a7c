"""Everything that turns the outside world into RawInput records: files, feeds, followed sources, push."""

from marsad.sources.config import SourcesConfig, load_sources_config
from marsad.sources.cursor import SourceCursor
from marsad.sources.files import UnsupportedInputError, read_inputs
from marsad.sources.poller import SourcePoller
from marsad.sources.push import raw_inputs_from_push

__all__ = [
    "SourceCursor",
    "SourcePoller",
    "SourcesConfig",
    "UnsupportedInputError",
    "load_sources_config",
    "raw_inputs_from_push",
    "read_inputs",
]
