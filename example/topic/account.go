package topic

import (
	"context"
	"errors"
	"net/http"

	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// UserController serves /api/v2/users: sign-up of local accounts. Logging
// in is passport's POST /passport/local.
//
//teggo:controller /api/v2/users
type UserController struct {
	proto.Singleton
	Users *Users `inject:""`
}

// SignUp is POST /api/v2/users {"username", "password"}: 201 with the
// account, 409 when the username is taken, 422 for a username or password
// out of SignUp's bounds. It does not log in.
//
//teggo:http POST / status=201
func (c *UserController) SignUp(ctx context.Context, in SignUp) (*User, error) {
	u, err := c.Users.SignUp(ctx, in)
	if errors.Is(err, ErrUsernameTaken) {
		return nil, &teggohttp.Problem{Status: http.StatusConflict, Detail: err.Error(), Code: "EXAMPLE_USERNAME_TAKEN"}
	}
	return u, err
}

// LogoutController serves POST /passport/logout beside passport's login
// routes.
//
//teggo:controller /passport
type LogoutController struct {
	proto.Singleton
	Auth *Auth `inject:""`
}

// Logout is POST /passport/logout: 204, the session's user removed and
// the session given a new id (passport's Logout). It is a POST, so that a
// link or an image on another site cannot log the user out.
//
//teggo:http POST /logout status=204
func (c *LogoutController) Logout(ctx context.Context) error {
	return c.Auth.Passport.Logout(ctx)
}
