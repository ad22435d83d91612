"""Test doubles that speak real protocols over HTTP on 127.0.0.1."""
