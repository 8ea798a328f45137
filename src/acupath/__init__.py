"""acupath: acupuncture-centred, multimodal care of chronic pain."""

__version__ = "0.1.0"
