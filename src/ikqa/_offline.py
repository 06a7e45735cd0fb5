"""Switch off every network call the libraries we use would otherwise make.

Imported first by the package, so a user never has to set these by hand.
"""

from __future__ import annotations

import os

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    """Set the offline switches, keeping any value the user set explicitly."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
