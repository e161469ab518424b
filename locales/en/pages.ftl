# Page texts.

home-title = Home
home-hello = Hello, { $name }!
home-about = This instance is part of a federated network of territorial professionals: its members join and run communities hosted here or by partner structures, from this site or from any Mastodon-compatible app.
home-feed = Your feed
home-feed-empty = Your feed is empty: join communities or follow people to see their posts here.
home-my-communities = Your communities
home-no-communities = You have not joined any community yet: browse the directory to find those that matter to you.
home-browse = Browse communities
home-public-communities = Public communities
home-no-public-communities = No community exists yet. Sign up to start the first one.
home-partners = Partner instances
home-all-communities = See all communities

login-title = Log in
login-field = Username or e-mail address
password-field = Password
login-submit = Log in
login-no-account = No account yet?
login-wrong = Wrong username, e-mail or password.
login-throttled = Too many failed log-in attempts for this login: try again in { $minutes } minutes.
login-pending = This account is waiting for an administrator's approval.
login-suspended = This account is suspended.

signup-title = Sign up
signup-closed = Registrations are closed on this instance. Contact its administrator to get an account.
signup-approval = Registrations need approval: tell us in a few words why you want to join.
username-field = Username
username-help = 2 to 30 characters: letters a-z, digits and "_".
email-field = E-mail address
new-password-field = Password (at least 8 characters)
reason-field = Why do you want to join the network?
signup-submit = Create my account
signup-have-account = Already have an account?
signup-done = Welcome, { $name }! Your account is created: you can log in.
signup-done-pending = Your request is recorded: an administrator must approve it before you can log in.

settings-title = Account settings
settings-profile = Profile
settings-display-name = Display name
settings-summary = About you
settings-password = Password
settings-current-password = Current password
settings-change-password = Change the password
settings-language = Interface language

directory-title = Community directory
directory-search = Search
directory-all-kinds = All kinds
directory-results = Results
directory-filter = Filter
directory-empty = No community yet.
directory-no-match = No community matches these criteria: widen the search, or
community-kind-field = Kind of community

community-new-title = Create a community
community-new-intro = A community brings people together around a topic, a project, a trade or a territory. You will be its first moderator.
community-title-field = Title
community-name-field = Identifier
community-name-help = 2 to 30 characters: letters a-z, digits and "_". It makes the address !identifier@{ $domain } and cannot change later.
community-description-field = Description
community-policy-field = Membership
community-create-submit = Create the community

community-settings-title = Community settings
community-login-to-join = Log in to join this community
community-invitation-only = This community welcomes new members by invitation only.
community-ask-to-join = Ask to join
community-join = Join
community-request-pending = Your request is waiting for a moderator's answer.
community-cancel-request = Cancel the request
community-leave = Leave the community
community-write = Write a post
community-posts = Posts
community-no-posts = No posts yet: start the conversation with the first one.
community-no-more-posts = There are no older posts.
community-about = About
community-no-description = This community has no description yet.
community-rules = Rules
community-moderators = Moderators
community-requests = Membership requests
community-no-requests = No pending request.
request-accept = Accept
request-reject = Reject
request-accept-who = Accept the request of { $name }
request-reject-who = Reject the request of { $name }

post-pinned = Pinned
post-untitled = Untitled
post-byline = By { $author }, on { $date }
post-deleted = This post was deleted.
compose-title = Post in { $community }
preview-title = Preview
preview-button = Preview
compose-submit = Publish
post-title-field = Title
post-body-field = Text
post-body-help = Markdown formatting: **bold**, *italic*, [link](https://…), lists with "- ".
post-link-field = Link (optional)
post-language-field = Language of the post
delete-warning = The text will be erased here and on the instances that received it; this cannot be undone.
delete-confirm = Yes, delete
cancel = Cancel
delete-post-title = Delete this post?
delete-comment-title = Delete this comment?
edit-post-title = Edit the post
edit-comment-title = Edit the comment
comment-field = Your comment
comment-submit = Send
comment-login = Log in to comment
comment-none = No comments yet: be the first to react.
comment-deleted = This comment was deleted.
reply-field = Your answer

profile-structure = Organisation
profile-job = Job title
profile-territory = Territory
profile-skills = Skills
profile-since = Member since
profile-followers = Followers
profile-follow = Follow
profile-unfollow = Unfollow
profile-follow-pending = Follow request pending.
profile-posts = Posts
profile-no-posts = No posts yet.
profile-no-posts-self = You have not posted yet: pick a community and write in it.
profile-communities = Communities
profile-no-communities = Not a member of any community yet.

follow-title = Follow from another instance
follow-intro = Paste the address of a community or a person of the network, hosted here or on another instance (Récolte, Lemmy, Mastodon…).
follow-handle-field = Address to follow
follow-handle-help = For instance !climate@example.org for a community, @name@example.org for a person, or the web address of their page.
follow-not-found = No person or community answers at this address.
follow-unreachable = The instance hosting this address does not answer: try again later.
follow-link = Follow a community of another instance

admin-title = Administration
admin-pending = Sign-ups to approve
admin-no-pending = No sign-up is waiting for approval.
admin-approve = Approve
admin-approve-who = Approve the sign-up of { $name }
admin-accounts = Accounts
admin-role = Role
admin-status = Status
admin-since = Signed up
admin-mode-open = Registrations are open: anyone can create an account.
admin-mode-approval = Registrations need approval: each account waits for yours.
admin-mode-closed = Registrations are closed: accounts are created on the command line.
role-admin = Administrator
role-moderator = Moderator
role-member = Member
status-active = Active
status-pending = Pending
status-suspended = Suspended

notifications-title = Notifications
notifications-none = No notifications yet: answers, likes, followers and membership requests will show here.
notifications-unread = { $count } new
notification-new = New
notification-reply = { $who } answered in “{ $what }”
notification-like = { $who } likes your message in “{ $what }”
notification-reblog = { $who } shared your message in “{ $what }”
notification-follow = { $who } follows you
notification-request = { $who } asks to join { $what }

oauth-title = Authorise an application
oauth-authorized = Application authorised
oauth-copy-code = Copy this authorisation code into { $app }:
oauth-invalid = Invalid authorisation request
oauth-authorize-app = Authorise { $app }
oauth-asks = The application { $app } asks for access to your account:
oauth-signed-in-as = You are signed in as @{ $name }.
oauth-allow = Authorise
oauth-deny = Deny
oauth-expired = The form has expired: reload the page and try again.
oauth-denied = You denied this application access.
oauth-response-type = The response_type parameter must be “code”.
oauth-scope-read = read your account, your feeds and your notifications
oauth-scope-write = post, answer, like and change your account
oauth-scope-follow = follow people and communities, or stop following them
oauth-scope-push = receive your notifications
oauth-scope-profile = know who you are

admin-federation-title = Federation
admin-federation-link = Federation status: partner instances and deliveries
admin-federation-intro = The instances this one exchanges with, and the activities delivered to them. An unreachable instance is retried for about five days; after ten failures and no success for a day it is set aside until it shows up again.
admin-federation-none = No instance known yet: they will appear as soon as a member follows a person or a community elsewhere.
admin-instance = Instance
admin-instance-state = State
admin-last-success = Last successful delivery
admin-deliveries-waiting = Waiting
admin-deliveries-done = Delivered
admin-deliveries-failed = Given up
admin-back = Back to administration
instance-alive = Reachable
instance-failing = { $count ->
    [one] { $count } recent failure
   *[other] { $count } recent failures
}
instance-dead = Unreachable since { $since }
instance-never = Never

# --- Media: the avatar ---
settings-avatar = Profile picture
settings-avatar-current = Your current profile picture
settings-avatar-field = New picture
settings-avatar-help = A PNG, JPEG, GIF or WebP image; it is shown next to your name.
settings-avatar-submit = Save the picture
# --- end media ---
## Feeds (web branch)
nav-local = Local feed
nav-network = Whole network
feed-sort = Sort posts
feed-period = Period
feed-sort-new = New
feed-sort-active = Active
feed-sort-top = Top
feed-period-day = Today
feed-period-week = This week
feed-period-month = This month
feed-period-all = All time
feed-next = Next page
feed-posts = Posts
feed-local-title = Local feed
feed-local-about = Posts written by the members of this instance.
feed-local-empty = Nobody has posted here yet. Join a community and start the first discussion.
feed-network-title = Whole network
feed-network-about = Every post this instance knows of, here and on partner instances.
feed-network-empty = No post is known here yet. Follow a community of another instance by pasting its address to receive its posts.

## Comment threads (web branch)
sub-thread-title = A comment and its answers
sub-thread-all = See the whole discussion ({ $count ->
    [one] { $count } comment
   *[other] { $count } comments
})
sub-thread-context = In answer to
comment-replies = { $count ->
    [one] { $count } hidden answer
   *[other] { $count } hidden answers
}

## Account: e-mail address and deletion (web branch)
settings-email = E-mail address
settings-new-email = New e-mail address
settings-email-password = Your password, to confirm the change of address
settings-change-email = Change address
settings-delete = Delete the account
settings-delete-explained = Deletion is final: your posts and comments are erased (a "deleted" notice stays in their place), your likes and follows go, your sessions and apps are signed out, and the partner instances that know you are told. Your username stays reserved.
settings-delete-password = Your password, to confirm the deletion
settings-delete-confirm = I understand that my account and its content will be deleted for good.
settings-delete-button = Delete my account for good

# --- Polls ---
poll-title = Poll
poll-choose-one = Choose one answer
poll-choose-many = Choose one or more answers
poll-vote = Vote
poll-mine = your choice
poll-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
poll-voters = { $count ->
    [0] Nobody has voted yet
    [one] { $count } person voted
   *[other] { $count } people voted
}
poll-ended = poll closed
poll-ends = ends on { $date }
# --- end polls ---

## Administration: instance settings and accounts (web branch)
admin-settings-link = Instance settings: name, description, colour and sign-ups
admin-settings-title = Instance settings
admin-settings-name = Name of the instance
admin-settings-description = Short description (welcome page and directories)
admin-settings-accent = Accent colour
admin-settings-accent-help = Written #rrggbb. To stay readable, it shows as { $light } on light backgrounds and as { $dark } on dark ones.
admin-settings-mode = Sign-ups
admin-actions = Actions
admin-role-of = Role of { $name }
admin-change-role = Change the role
admin-suspend = Suspend
admin-suspend-who = Suspend the account of { $name }
admin-reactivate = Reactivate
admin-reactivate-who = Reactivate the account of { $name }

## Hashtag page (filters branch)
tag-about = Posts and comments carrying this hashtag, written here or on partner instances, newest first.
tag-items = Posts and comments
tag-comment = Comment
tag-empty = Nothing carries this hashtag here yet.
tag-no-more = There is nothing more with this hashtag.

## Instance logo (branding)
admin-settings-logo = Logo
admin-settings-logo-help = A PNG, JPEG, GIF or WebP image, shown at the top of every page in place of the instance's name.
admin-settings-logo-current = Current logo
admin-settings-logo-upload = Upload the logo
admin-settings-logo-remove = Remove the logo
