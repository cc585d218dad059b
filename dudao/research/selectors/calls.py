"""Reads of area calls: 征集评选：作品、专家评分、排名、获奖与文集. Scoped through visible_to(user)."""
