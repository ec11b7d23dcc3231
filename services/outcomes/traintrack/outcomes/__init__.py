"""Outcomes service: did training lead to work?"""
