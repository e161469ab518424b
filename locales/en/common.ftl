# Layout, navigation, shared words, dates and numbers.

skip-to-content = Skip to content
nav-main = Main navigation
nav-account = Account
nav-communities = Communities
nav-new-community = Create a community
nav-admin = Administration
nav-settings = Settings
nav-login = Log in
nav-logout = Log out
nav-signup = Sign up
footer-software = Récolte { $version } · free software under the AGPL-3.0 licence
back-home = Back to the home page
back-to = Back to { $name }
back-to-post = Back to the post
pagination = Pagination
next-page = Next page
older-posts = Older posts
save = Save
edit = Edit
edited = edited
delete = Delete
reply = Reply
remote-origin = see on its instance
permalink = Permalink

member-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
comment-count = { $count ->
    [0] No comments
    [one] { $count } comment
   *[other] { $count } comments
}
like-count = { $count ->
    [one] { $count } like
   *[other] { $count } likes
}
like-button = Like ({ $count })

date-long = { $day } { $month } { $year }
date-time = { $day } { $month } { $year } at { $time }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

kind-interest = Interest
kind-project = Project
kind-trade = Trade
kind-territory = Territory
policy-open = open to all
policy-approval = on approval
policy-invitation = by invitation
policy-help-open = Open: anyone can join and post.
policy-help-approval = On approval: a moderator accepts each request.
policy-help-invitation = By invitation: nobody can ask to join.

language-fr = French
language-en = English
language-de = German
language-es = Spanish
language-it = Italian
language-oc = Occitan
language-br = Breton
language-eu = Basque
language-ca = Catalan
language-native-fr = Français
language-native-en = English

flash-logged-in = You are logged in.
flash-logged-out = You are logged out. See you soon!
flash-password-changed = Your password is changed.
flash-profile-saved = Your profile is saved.
flash-settings-saved = Your settings are saved.
flash-community-settings-saved = The community settings are saved.
flash-community-created = The community is created and you are its moderator. Introduce it with a first post.
flash-joined = You joined the community.
flash-join-requested = Your request is sent: a moderator must accept it.
flash-left = You left the community.
flash-request-accepted = The request is accepted: the person is now a member.
flash-request-rejected = The request is rejected.
flash-post-published = Your post is online.
flash-comment-published = Your comment is published.
flash-edited = Your changes are saved.
flash-post-deleted = The post is deleted.
flash-comment-deleted = The comment is deleted.
flash-liked = You like this message.
flash-unliked = You no longer like this message.
flash-followed = You now follow this person.
flash-follow-requested = Your follow request is sent.
flash-unfollowed = You no longer follow this person.
flash-remote-follow-sent = Your request is sent: the community or person will show among those you follow once it accepts.
flash-account-approved = The account is approved: the person can log in.

# --- Media ---
flash-avatar-saved = Your profile picture is saved.
flash-voted = Your vote is saved.
# --- end media ---
## Account (web branch)
flash-email-changed = Your e-mail address is changed.
flash-account-deleted = Your account is deleted. Thank you for taking part.
flash-instance-saved = The instance settings are saved.
flash-instance-saved-adjusted = The instance settings are saved. The accent colour was darkened on light backgrounds to stay readable.
flash-role-changed = The account's role is changed.
flash-suspended = The account is suspended: the person can no longer log in.
flash-reactivated = The account is reactivated: the person can log in again.

## Instance logo (branding)
flash-logo-saved = The logo is saved.
flash-logo-removed = The logo is removed.
