package flags

import "slices"

// Verdict is the one readiness verdict every surface shows: the list's
// mark, the detail's line, the audit screen, `audit` and `audit --json`.
type Verdict int

const (
	VerdictReady Verdict = iota
	VerdictNotEnabled
	// VerdictADDisabled: the only error is a disabled AD account.
	VerdictADDisabled
	// VerdictCommunicator2005Only: the only error is enhanced presence
	// missing, so Communicator 2007/R2 refuse and Communicator 2005 still
	// signs in (reference section 8).
	VerdictCommunicator2005Only
	VerdictCannotSignIn
	// VerdictUnverified: no rule failed, but the home server could not be
	// checked (home-server-unchecked: this account cannot read the pools).
	// Readiness needs a home server that is an existing pool (reference
	// section 5), so the user is not called ready; nor broken, so nothing
	// repairs it.
	VerdictUnverified
)

// Judge reads the verdict out of Audit's findings.
func Judge(findings []Finding) Verdict {
	var errs []string
	for _, f := range findings {
		if f.Severity == Error {
			errs = append(errs, f.ID)
		}
	}
	switch {
	case len(errs) == 0 && slices.ContainsFunc(findings, func(f Finding) bool { return f.ID == FindingHomeServerUnchecked }):
		return VerdictUnverified
	case len(errs) == 0:
		return VerdictReady
	case slices.Contains(errs, FindingNotEnabled):
		return VerdictNotEnabled
	case len(errs) == 1 && errs[0] == FindingADAccountDisabled:
		return VerdictADDisabled
	case len(errs) == 1 && errs[0] == FindingNoEnhancedPresence:
		return VerdictCommunicator2005Only
	}
	return VerdictCannotSignIn
}

// String is the verdict's stable id (audit --json "verdict").
func (v Verdict) String() string {
	switch v {
	case VerdictReady:
		return "ready"
	case VerdictNotEnabled:
		return "not-enabled"
	case VerdictADDisabled:
		return "ad-account-disabled"
	case VerdictCommunicator2005Only:
		return "communicator-2005-only"
	case VerdictUnverified:
		return "unverified"
	}
	return "cannot-sign-in"
}

// MarshalText makes verdicts read as their ids in JSON.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Mark is the verdict's glyph: ✓ ready, – not enabled, ? cannot tell,
// ✗ cannot sign in.
func (v Verdict) Mark() string {
	switch v {
	case VerdictReady:
		return "✓"
	case VerdictNotEnabled:
		return "–"
	case VerdictUnverified:
		return "?"
	}
	return "✗"
}

// Word is the list's short form (at most 13 columns, mark included).
func (v Verdict) Word() string {
	switch v {
	case VerdictReady:
		return "✓ ready"
	case VerdictNotEnabled:
		return "– not enabled"
	case VerdictADDisabled:
		return "✗ AD disabled"
	case VerdictCommunicator2005Only:
		return "✗ 2005 only"
	case VerdictUnverified:
		return "? unchecked"
	}
	return "✗ problems"
}

// Headline is the verdict in words, without its mark and counts.
func (v Verdict) Headline() string {
	switch v {
	case VerdictReady:
		return "ready to sign in"
	case VerdictNotEnabled:
		return "not enabled for OCS"
	case VerdictADDisabled:
		return "cannot sign in: the AD account is disabled"
	case VerdictCommunicator2005Only:
		return "cannot sign in with Communicator 2007/R2 (Communicator 2005 still works)"
	case VerdictUnverified:
		return "cannot tell: this account cannot read the pools (home server not checked)"
	}
	return "cannot sign in"
}
