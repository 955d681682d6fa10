"""Tests of greenroom.agent."""
