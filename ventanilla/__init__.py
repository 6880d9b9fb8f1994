"""Ventanilla: a self-hosted help desk."""
