"""履责纪实: the Party work of a unit recorded as it happens (三会一课, 主题党日, 谈心谈话,
党课 …), counted against the frequencies the checklist requires and reused to draft the
half-year report, so that nothing is typed up twice (二: 向党支部延伸; 反对形式主义)."""
