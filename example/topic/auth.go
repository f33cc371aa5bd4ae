package topic

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/config"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/proto"
)

// Passport is the example's passport: its users are *User.
type Passport = passport.Passport[*User]

// Auth ties the app's passport to its users: at DidLoad it sets Verify —
// a local login is checked against the users table, a GitHub login finds
// or creates its account — and keeps only the user's id in the session
// (SerializeUser), loading the account back per request
// (DeserializeUser). main gives the *Passport to the App with
// teggo.Passport and to the container with teggo.Provide.
type Auth struct {
	proto.Singleton `access:"public"`
	Passport        *Passport      `inject:""`
	Users           *Users         `inject:""`
	Cfg             *config.Config `inject:""`
	Log             *slog.Logger   `inject:"" optional:"true"`
}

// DidLoad registers the passport's functions, before the server serves.
func (a *Auth) DidLoad(ctx context.Context) error {
	a.Passport.Verify(func(ctx context.Context, prof *passport.Profile) (*User, error) {
		if prof.Provider == "local" {
			return a.Users.CheckLocal(ctx, prof.Username, prof.Password)
		}
		return a.Users.FromProvider(ctx, prof)
	})
	a.Passport.SerializeUser(func(_ context.Context, u *User) (any, error) { return u.ID, nil })
	a.Passport.DeserializeUser(func(ctx context.Context, data json.RawMessage) (*User, error) {
		var id int64
		if err := json.Unmarshal(data, &id); err != nil {
			return nil, err
		}
		u, err := a.Users.Get(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, passport.ErrPass // the account is gone: the session is logged out
		}
		return u, err
	})
	if a.Log != nil {
		a.Log.InfoContext(ctx, "example: login", "local", "POST /passport/local", "github", a.Cfg.Exists("passportGithub"))
	}
	return nil
}

// LoginRequired guards a route: a request without a logged-in user is
// answered 401, the problem passport's guard answers an API client
// (TEGGO_PASSPORT_UNAUTHENTICATED, WWW-Authenticate: Session), and the
// route's method does not run. With a user, the method's ctx carries it:
// UserFrom(ctx). Put it on a controller method with
// //teggo:middleware LoginRequired.
type LoginRequired struct {
	proto.Singleton
	Auth *Auth `inject:""`
}

type userKey struct{}

// BeforeCall loads the session's user (a session store outage is a 503)
// and hands it to the method in its ctx.
func (g *LoginRequired) BeforeCall(c aop.Call) error {
	ctx := c.Context()
	u, ok, err := g.Auth.Passport.LoadUser(ctx)
	if err != nil {
		return err
	}
	if !ok {
		teggohttp.ResponseFrom(ctx).Header().Set("WWW-Authenticate", `Session realm="teggo"`)
		return &teggohttp.Problem{Status: http.StatusUnauthorized, Detail: "authentication required", Code: string(passport.CodeUnauthenticated)}
	}
	return c.SetArg(0, context.WithValue(ctx, userKey{}, u))
}

// UserFrom returns the user LoginRequired found for this call; nil on a
// route without the guard.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}
