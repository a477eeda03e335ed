"""Availability from the architecture: the nines each use case's synchronous path really has."""

from tradeoff.availability.model import AvailabilityReport, PathAvailability, analyse

__all__ = ["AvailabilityReport", "PathAvailability", "analyse"]
