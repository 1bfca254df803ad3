package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/plugins/sdk"
)

// Subjects keeps a customer's pets / persons.
type Subjects interface {
	List(ctx context.Context, ownerID string) ([]subjects.Subject, error)
	Get(ctx context.Context, ownerID, id string) (subjects.Subject, error)
	Create(ctx context.Context, ownerID, product, kind string, fields map[string]any, call sdk.Call) (subjects.Subject, error)
	Update(ctx context.Context, ownerID, id string, fields map[string]any, call sdk.Call) (subjects.Subject, error)
	Delete(ctx context.Context, ownerID, id string) error
}

// Avatars stores processed profile pictures.
type Avatars interface {
	Put(ctx context.Context, ownerID string, img media.Image) (string, error)
	Get(ctx context.Context, id string) (media.Image, error)
}

// maxAvatarBytes bounds an avatar upload before decoding.
const maxAvatarBytes = 5 << 20

type userJSON struct {
	ID          string         `json:"id"`
	Kind        string         `json:"kind"`
	Name        string         `json:"name"`
	Surname     string         `json:"surname"`
	Phone       string         `json:"phone"`
	Email       string         `json:"email"`
	BirthDate   string         `json:"birth_date"`
	Fields      map[string]any `json:"fields"`
	AvatarURL   string         `json:"avatar_url,omitempty"`
	HasPassword bool           `json:"has_password"`
	// Roles are the caller's roles on this site's tenant, vendor-wide ones
	// included: what the pages and clients may offer (casbin decides).
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

func toUserJSON(u auth.User) userJSON {
	out := userJSON{ID: u.ID, Kind: string(u.Kind), Name: u.Name, Surname: u.Surname, Phone: u.Phone, Email: u.Email,
		BirthDate: u.BirthDate, Fields: u.Fields, HasPassword: u.HasPassword, CreatedAt: u.CreatedAt}
	if out.Fields == nil {
		out.Fields = map[string]any{}
	}
	if u.AvatarID != "" {
		out.AvatarURL = "/api/v1/me/avatar?v=" + u.AvatarID
	}
	return out
}

// Roles tells the caller's roles in a tenant (rbac.Enforcer).
type Roles interface {
	Roles(ctx context.Context, userID, tenantID string) ([]rbac.Role, error)
}

func (s *Server) getMe(c *fiber.Ctx) error {
	u, err := s.Accounts.Profile(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	out := toUserJSON(u)
	if s.RBAC != nil {
		roles, err := s.RBAC.Roles(c.UserContext(), u.ID, site(c).Tenant.ID)
		if err != nil {
			return err
		}
		for _, r := range roles {
			out.Roles = append(out.Roles, string(r))
		}
	}
	if len(out.Roles) == 0 && u.Kind == auth.KindCustomer {
		out.Roles = []string{"customer"} // every customer holds it implicitly
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// patchMe changes the profile. Absent fields stay as they are; the product's
// own profile fields (Astars: birth time and place) travel in "fields".
func (s *Server) patchMe(c *fiber.Ctx) error {
	var in struct {
		Name      *string        `json:"name"`
		Surname   *string        `json:"surname"`
		Phone     *string        `json:"phone"`
		Email     *string        `json:"email"`
		BirthDate *string        `json:"birth_date"`
		Fields    map[string]any `json:"fields"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Accounts.UpdateProfile(c.UserContext(), currentUser(c).ID, auth.ProfilePatch{
		Name: in.Name, Surname: in.Surname, Phone: in.Phone, Email: in.Email, BirthDate: in.BirthDate, Fields: in.Fields})
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(u))
}

// putAvatar takes the picture as a multipart "avatar" field or as the raw
// body; the bytes are sniffed, decoded and re-encoded, never stored as sent.
func (s *Server) putAvatar(c *fiber.Ctx) error {
	img, err := s.readPicture(c, "avatar")
	if err != nil {
		return err
	}
	user := currentUser(c)
	id, err := s.Avatars.Put(c.UserContext(), user.ID, img)
	if err != nil {
		return err
	}
	if err := s.Accounts.SetAvatar(c.UserContext(), user.ID, id); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"avatar_url": "/api/v1/me/avatar?v=" + id, "width": img.Width, "height": img.Height})
}

func (s *Server) getAvatar(c *fiber.Ctx) error {
	u, err := s.Accounts.Profile(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if u.AvatarID == "" {
		return errs.ErrNotFound
	}
	img, err := s.Avatars.Get(c.UserContext(), u.AvatarID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, img.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	return c.Send(img.Bytes)
}

// startDeletion sends a fresh code: deleting the cabinet must be confirmed
// by the person holding the phone or mailbox (licence offer 14.4).
func (s *Server) startDeletion(c *fiber.Ctx) error {
	cs, err := s.Accounts.StartAccountDeletion(c.UserContext(), currentUser(c).ID, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return c.JSON(toCodeSent(cs))
}

// deleteMe erases the account's personal data (152-FZ) once the code
// checks out; the account's pets and avatar go in the same transaction
// (auth.Deps.OnErase, wired in cmd/platform).
func (s *Server) deleteMe(c *fiber.Ctx) error {
	var in struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Accounts.ConfirmAccountDeletion(c.UserContext(), currentUser(c).ID, in.Code); err != nil {
		return rateLimited(c, err)
	}
	s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

type subjectJSON struct {
	ID        string         `json:"id"`
	Product   string         `json:"product"`
	Kind      string         `json:"kind"`
	Label     string         `json:"label"`
	Fields    map[string]any `json:"fields"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

func toSubjectJSON(sb subjects.Subject) subjectJSON {
	return subjectJSON{ID: sb.ID, Product: sb.Product, Kind: sb.Kind, Label: sb.Label, Fields: sb.Fields,
		CreatedAt: sb.CreatedAt, UpdatedAt: sb.UpdatedAt}
}

// pluginCall is what every product call carries: tenant, language, zone and
// the business instant (DESIGN.md, "Plugins").
func (s *Server) pluginCall(c *fiber.Ctx) sdk.Call {
	si := site(c)
	return sdk.Call{Tenant: si.Tenant.ID, Locale: langOf(c), Timezone: si.Tenant.Timezone, Now: s.Clock.Now(),
		RequestID: requestID(c)}
}

func (s *Server) listSubjects(c *fiber.Ctx) error {
	list, err := s.Subjects.List(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	out := make([]subjectJSON, 0, len(list))
	for _, sb := range list {
		out = append(out, toSubjectJSON(sb))
	}
	return c.JSON(fiber.Map{"subjects": out})
}

func (s *Server) getSubject(c *fiber.Ctx) error {
	sb, err := s.Subjects.Get(c.UserContext(), currentUser(c).ID, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toSubjectJSON(sb))
}

func (s *Server) createSubject(c *fiber.Ctx) error {
	var in struct {
		Kind   string         `json:"kind"`
		Fields map[string]any `json:"fields"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sb, err := s.Subjects.Create(c.UserContext(), currentUser(c).ID, site(c).Site.Product, in.Kind, in.Fields, s.pluginCall(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toSubjectJSON(sb))
}

func (s *Server) updateSubject(c *fiber.Ctx) error {
	var in struct {
		Fields map[string]any `json:"fields"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sb, err := s.Subjects.Update(c.UserContext(), currentUser(c).ID, c.Params("id"), in.Fields, s.pluginCall(c))
	if err != nil {
		return err
	}
	return c.JSON(toSubjectJSON(sb))
}

func (s *Server) deleteSubject(c *fiber.Ctx) error {
	if err := s.Subjects.Delete(c.UserContext(), currentUser(c).ID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
