"""The members' points card (党员积分卡): a versioned scheme, points derived at read time
from reviewed study sessions and talks, reviewed manual items, cards and rankings.

Which scheme version governs: a card year follows ONE version, the newest whose
`effective_from` is on or before 1 January of that year. A card is a yearly evaluation with
one base score, one threshold and one cap per item; letting a version start mid-year would
mix two sets of caps in one year and re-value points members had already been shown. A
version loaded with a mid-year date therefore first governs the following year.
"""
