# Error pages, and the rule of each form field when its value is refused
# (invalid-FIELD) or already taken (taken-FIELD).

error-title-invalid = Invalid request
error-title-401 = Login required
error-title-403 = Access denied
error-title-404 = Page not found
error-title-500 = Internal error
error-title-503 = Service unavailable
error-code = Code { $code }
error-not-found-text = This address matches no page, or what it pointed to no longer exists.
error-login-needed = Log in to continue.
error-forbidden-text = You are not allowed to do this.
error-unavailable-text = The service is unavailable for a moment: try again shortly.
error-internal-text = An internal error occurred. It has been logged: try again later.
error-csrf = The form has expired or does not come from this site: reload the page and try again.
error-bad-form = The submitted form is incomplete or malformed.
error-form-too-large = The submitted form is too large.

invalid-username = The username must be 2 to 30 characters long and may only contain letters a-z, digits and "_" (not first); some names are reserved.
invalid-email = This is not a valid e-mail address.
invalid-password = The password must be at least 8 characters long (and at most 256 bytes).
invalid-current_password = This is not the account's current password.
invalid-new_password = The new password must be at least 8 characters long (and at most 256 bytes).
invalid-display_name = The display name is at most 100 characters long.
invalid-summary = The presentation is at most 2000 characters long.
invalid-structure = The organisation is at most 200 characters long.
invalid-job_title = The job title is at most 200 characters long.
invalid-territory = The territory is at most 200 characters long.
invalid-skills = The skills are at most 1000 characters long.
invalid-reason = Tell us in a few words (at most 1000 characters) why you want to join the network.
invalid-name = The identifier must be 2 to 30 characters long and may only contain letters a-z, digits and "_" (not first); some names are reserved.
invalid-title = The title is required and at most 100 characters long for a community, 200 for a post.
invalid-description = The description is at most 10,000 characters long.
invalid-rules = The rules are at most 10,000 characters long.
invalid-kind = Choose a kind from the list.
invalid-membership = Choose a membership mode from the list.
invalid-body = The text is required for a comment and at most 50,000 bytes long.
invalid-link = The link must be a full web address (http:// or https://) of at most 2000 characters.
invalid-language = Choose a language from the list.
invalid-locale = Choose a language from the list.
invalid-parent = One cannot answer a deleted message or one from another thread.
invalid-target = One cannot follow oneself.
invalid-handle = Type an address of the form @name@domain, !community@domain or https://….
invalid-url = This address cannot be fetched.
taken-username = This name is already taken: choose another one.
taken-name = This identifier is already taken: choose another one.
taken-email = An account already uses this e-mail address.

# --- Media ---
invalid-avatar = Choose a PNG, JPEG, GIF or WebP image that is not too large.
invalid-choices = This vote is not possible: the poll may have ended, you may have voted already, or no valid answer is chosen.
# --- end media ---
## Account and administration (web branch)
invalid-email_password = This is not the account's password.
invalid-delete_password = This is not the account's password.
invalid-delete_confirm = Tick the box to confirm the deletion.
invalid-admin_role = The instance must keep at least one administrator: appoint another one first.
invalid-instance_name = The name of the instance is required, 100 characters at most.
invalid-instance_description = The description is 500 characters at most.
invalid-accent = Write the colour as #rrggbb (for example #2b6534).
invalid-registration_mode = Choose a sign-up mode from the list.
invalid-role = Choose a role from the list.
invalid-status = This account is not in a state that allows this action.

## Instance logo (branding)
invalid-logo = Choose a PNG, JPEG, GIF or WebP image that is not too large.

## Deleted accounts
error-title-410 = Account deleted
error-account-gone = This account was deleted by its owner. Its name stays reserved and its posts have been erased.
