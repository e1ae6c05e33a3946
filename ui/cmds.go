package ui

import (
	"ocsflags/ui/common"
)

// Every directory call runs in a tea.Cmd and comes back as one of these
// messages, so Update never waits on the network.

// readTimeout bounds single reads.
const readTimeout = common.ReadTimeout
