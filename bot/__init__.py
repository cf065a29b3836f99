"""Domain core of the Hong Kong talent-visa assistant.

Pure Python: no Rasa imports. Rules are data (``bot/rules/*.yaml``) with sources and dates;
logic is small functions over a typed profile.
"""
