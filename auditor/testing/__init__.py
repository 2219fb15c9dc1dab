"""Test helpers shipped with the package: factories for records (factories.py) and fake devices (fakes)."""
