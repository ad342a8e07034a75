"""Examination timetabling (考试排期): the ITC2007 model and evaluator, the CP-SAT + annealing
solver, and the entry point for a plan's subject sessions. Pure code, no database."""
