"""Writes of the quality app, one module per area: rounds (create, schools, the "2+1" draw, publish), scores
(the 学生成绩 import), reports (the batch of Word/PDF reports), loop (findings from results, external reports)."""
