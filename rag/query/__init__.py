"""The query pipeline: one typed state (state.py) passed through small steps (steps.py), assembled
from configuration by one factory (factory.py)."""
