"""Views of reviews: outputs of a review (自评报告, 印证材料, 实地督查日程, 问题清单, 复查)."""
