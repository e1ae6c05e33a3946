package common

// Messages a screen sends the root for what the root or another screen
// does. Several screens send them (the browser, the audit, the review, the
// wizard, the editor), so they live here and no screen imports another.
type (
	// QuitMsg: q or ctrl+c (quit, asking first about pending edits).
	QuitMsg struct{}
	// OpenReviewMsg: the review of the pending edits.
	OpenReviewMsg struct{}
	// ToggleHelpMsg: ? opens or closes the full help.
	ToggleHelpMsg struct{}
	// EditMsg: the editor for the open user's line of Kind.
	EditMsg struct{ Kind ItemKind }
	// ConfirmEPMsg: ask before setting enhanced presence for the open user.
	ConfirmEPMsg struct{}
	// LoadUserMsg: read the user DN again and show it in the browser.
	LoadUserMsg struct{ DN string }
)
