"""Streamlit pages. Thin: read widgets, call the cached API, render."""
