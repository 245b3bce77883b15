"""The monitor's tests bring their own indicators and figures; the data set's are taken out
first (tests of the data set itself load them again with `load_monitor`)."""

import pytest

from regioagenda.monitor.models import Indicator, Observation, Target


def clear_monitor() -> None:
    """Take the data set's indicators out, for tests that bring their own figures."""
    Observation.objects.all().delete()
    Target.objects.all().delete()
    # An indicator protects those it is weighted by or computed from: untie them first.
    Indicator.objects.update(weight=None, numerator=None, denominator=None)
    Indicator.objects.all().delete()


@pytest.fixture
def leidse_regio(leidse_regio):
    clear_monitor()
    return leidse_regio
