package topic

import (
	"context"

	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/session"
)

// Me is what GET /api/v2/me answers.
type Me struct {
	// Visits counts this client's requests of /api/v2/me, this one
	// included.
	Visits int `json:"visits"`
	// User is the logged-in user, null when nobody is.
	User *User `json:"user"`
}

// MeController serves /api/v2/me from the client's session: the session
// lives in an encrypted cookie (session.store: cookie), so a client that
// sends its cookies back sees its count grow, and another client has its
// own.
//
//teggo:controller /api/v2
type MeController struct {
	proto.Singleton
	Auth *Auth `inject:""`
}

// Me is GET /api/v2/me: {"visits": n, "user": ...}. A store outage is a 503 problem
// (TEGGO_SESSION_STORE_UNAVAILABLE), never a silent restart at 1.
//
//teggo:http GET /me
func (c *MeController) Me(ctx context.Context) (*Me, error) {
	s := session.From(ctx)
	n, err := s.GetInt("visits")
	if err != nil {
		return nil, err
	}
	n++
	if err := s.Put("visits", n); err != nil {
		return nil, err
	}
	u, _, err := c.Auth.Passport.LoadUser(ctx)
	if err != nil {
		return nil, err
	}
	return &Me{Visits: n, User: u}, nil
}
