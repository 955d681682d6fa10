"""Tests of greenroom.agent.providers (scripted models only: no real model, no internet)."""
