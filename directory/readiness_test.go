package directory

import (
	"context"
	"slices"
	"testing"

	"ocsflags/flags"
)

// demoFindings is the expected readiness of every hand-made demo user that
// the write tests leave alone, by sAMAccountName (contacts by mail).
var demoFindings = map[string][]string{
	"alee":                  {flags.FindingSIPAddressDuplicate},
	"bcole":                 nil,
	"cdiaz":                 nil,
	"dpatel":                nil,
	"ewalsh":                nil,
	"fhaddad":               nil, // homed in the System container (OCS 2007 layout)
	"gstacy":                nil,
	"htanaka":               {flags.FindingRCCWithoutLine},
	"annlee2":               {flags.FindingSIPAddressDuplicate},
	"ipetrov":               nil,
	"kmensah":               {flags.FindingMoveInProgress},
	"jgross":                nil,
	"zangstrom":             nil,
	"jnunez":                nil,
	"lobrien":               nil,
	"mwong":                 nil,
	"nfischer":              {flags.FindingTelephonyInconsistent},
	"obrown":                {flags.FindingTelephonyInconsistent},
	"pquinn":                {flags.FindingSIPAddressMalformed},
	"qharper":               {flags.FindingNoSIPAddress},
	"ralvarez":              {flags.FindingNoHomeServer},
	"staylor":               {flags.FindingHomeServerNotAPool},
	"tsingh":                {flags.FindingSIPAddressMalformed},
	"ushah":                 {flags.FindingNotEnabled, flags.FindingNoSIPAddress, flags.FindingNoHomeServer, flags.FindingNoEnhancedPresence},
	"vhugo":                 {flags.FindingNotEnabled},
	"wchen":                 {flags.FindingNotEnabled, flags.FindingNoSIPAddress, flags.FindingNoHomeServer, flags.FindingNoEnhancedPresence},
	"xdupont":               {flags.FindingNotEnabled, flags.FindingNoSIPAddress, flags.FindingNoHomeServer, flags.FindingNoEnhancedPresence},
	"ycosta":                nil,
	"zmiller":               nil,
	"akarimi":               nil,
	"bnovak":                {flags.FindingNotEnabled, flags.FindingNoSIPAddress, flags.FindingNoHomeServer, flags.FindingNoEnhancedPresence},
	"cdubois":               {flags.FindingLineNotE164},
	"dscully":               nil,
	"ehunt":                 nil,
	"fgallagher":            nil,
	"gbest":                 nil,
	"hkobayashi":            {flags.FindingLineNotE164},
	"ifraser":               nil,
	"jryan":                 {flags.FindingNoEnhancedPresence},
	"kthrace":               {flags.FindingNoEnhancedPresence},
	"lmarsh":                {flags.FindingNoEnhancedPresence},
	"mito":                  {flags.FindingNoEnhancedPresence},
	"nberg":                 {flags.FindingNoEnhancedPresence, flags.FindingArchivingLegacyValue},
	"ofarouk":               {flags.FindingArchivingLegacyValue},
	"preyes":                {flags.FindingLineNotE164},
	"riyer":                 {flags.FindingArchivingLegacyValue},
	"srossi":                {flags.FindingNoEnhancedPresence},
	"thardy":                {flags.FindingNotEnabled},
	"ukent":                 {flags.FindingADAccountDisabled}, // no OriginatorSid: not a resource-forest account
	"vlind":                 {flags.FindingNotEnabled, flags.FindingADAccountDisabled},
	"rstone":                nil, // disabled with OriginatorSid: the resource-forest layout
	"wturner":               {flags.FindingNotEnabled, flags.FindingNoEnhancedPresence},
	"xena@partner.example":  {flags.FindingContactNoOriginatorSid},
	"yusuf@partner.example": nil, // central-forest contact with OriginatorSid
	"zelda@partner.example": {flags.FindingNotEnabled, flags.FindingProxyAddressNoSIP},
	"aturing":               nil,
}

func checkDemoReadiness(t *testing.T, d Directory) {
	ctx := context.Background()
	plList, err := d.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pools := NewPoolSetFrom(plList)
	seen := 0
	err = d.Users(ctx, demoBase, Subtree, func(b Batch) error {
		for _, u := range b.Users {
			key := u.SAMAccountName
			if u.Kind == KindContact {
				key = u.Mail
			}
			want, ok := demoFindings[key]
			if !ok {
				continue
			}
			seen++
			fs, err := Audit(ctx, d, u, pools)
			if err != nil {
				return err
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s (%s): findings %v, want %v", key, u.DN, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(demoFindings) {
		t.Errorf("found %d of the %d demo users", seen, len(demoFindings))
	}
}
