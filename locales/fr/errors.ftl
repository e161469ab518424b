# Error pages, and the rule of each form field when its value is refused
# (invalid-FIELD) or already taken (taken-FIELD).

error-title-invalid = Requête invalide
error-title-401 = Connexion nécessaire
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-500 = Erreur interne
error-title-503 = Service indisponible
error-code = Code { $code }
error-not-found-text = Cette adresse ne correspond à aucune page, ou ce qu’elle désignait n’existe plus.
error-login-needed = Connectez-vous pour continuer.
error-forbidden-text = Vous n’avez pas le droit de faire cela.
error-unavailable-text = Le service est momentanément indisponible : réessayez dans quelques instants.
error-internal-text = Une erreur interne est survenue. Elle est enregistrée : réessayez plus tard.
error-csrf = Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.
error-bad-form = Le formulaire envoyé est incomplet ou mal formé.
error-form-too-large = Le formulaire envoyé est trop volumineux.

invalid-username = Le nom d’utilisateur doit compter de 2 à 30 caractères parmi les lettres a-z, les chiffres et « _ » (pas en premier), et ne pas être un nom réservé.
invalid-email = Cette adresse e-mail n’est pas valide.
invalid-password = Le mot de passe doit compter au moins 8 caractères (et 256 octets au plus).
invalid-current_password = Ce n’est pas le mot de passe actuel du compte.
invalid-new_password = Le nouveau mot de passe doit compter au moins 8 caractères (et 256 octets au plus).
invalid-display_name = Le nom affiché compte au plus 100 caractères.
invalid-summary = La présentation compte au plus 2000 caractères.
invalid-structure = La structure compte au plus 200 caractères.
invalid-job_title = La fonction compte au plus 200 caractères.
invalid-territory = Le territoire compte au plus 200 caractères.
invalid-skills = Les compétences comptent au plus 1000 caractères.
invalid-reason = Dites en quelques mots (1000 caractères au plus) pourquoi vous souhaitez rejoindre le réseau.
invalid-name = L’identifiant doit compter de 2 à 30 caractères parmi les lettres a-z, les chiffres et « _ » (pas en premier), et ne pas être un nom réservé.
invalid-title = Le titre est obligatoire et compte au plus 100 caractères pour une communauté, 200 pour une publication.
invalid-description = La description compte au plus 10 000 caractères.
invalid-rules = Les règles comptent au plus 10 000 caractères.
invalid-kind = Choisissez un type dans la liste.
invalid-membership = Choisissez un mode d’adhésion dans la liste.
invalid-body = Le texte est obligatoire pour un commentaire et compte au plus 50 000 octets.
invalid-link = Le lien doit être une adresse web complète (http:// ou https://) de 2000 caractères au plus.
invalid-language = Choisissez une langue dans la liste.
invalid-locale = Choisissez une langue dans la liste.
invalid-parent = On ne peut pas répondre à un message supprimé ou d’une autre discussion.
invalid-target = On ne peut pas se suivre soi-même.
invalid-handle = Saisissez une adresse de la forme @nom@domaine, !communaute@domaine ou https://….
invalid-url = Cette adresse ne peut pas être consultée.
taken-username = Ce nom est déjà pris : choisissez-en un autre.
taken-name = Cet identifiant est déjà pris : choisissez-en un autre.
taken-email = Un compte utilise déjà cette adresse e-mail.

# --- Media ---
invalid-avatar = Choisissez une image PNG, JPEG, GIF ou WebP qui ne soit pas trop lourde.
invalid-choices = Ce vote n’est pas possible : le sondage est peut-être terminé, vous avez peut-être déjà voté, ou aucune réponse valable n’est choisie.
# --- end media ---
## Compte et administration (branche web)
invalid-email_password = Ce n’est pas le mot de passe du compte.
invalid-delete_password = Ce n’est pas le mot de passe du compte.
invalid-delete_confirm = Cochez la case pour confirmer la suppression.
invalid-admin_role = L’instance doit garder au moins un administrateur : nommez-en un autre d’abord.
invalid-instance_name = Le nom de l’instance est obligatoire et compte au plus 100 caractères.
invalid-instance_description = La description compte au plus 500 caractères.
invalid-accent = Écrivez la couleur au format #rrggbb (par exemple #2b6534).
invalid-registration_mode = Choisissez un mode d’inscription dans la liste.
invalid-role = Choisissez un rôle dans la liste.
invalid-status = Ce compte n’est pas dans un état qui permet cette action.

## Instance logo (branding)
invalid-logo = Choisissez une image PNG, JPEG, GIF ou WebP qui ne soit pas trop lourde.

## Deleted accounts
error-title-410 = Compte supprimé
error-account-gone = Ce compte a été supprimé par son titulaire. Son nom reste réservé et ses publications ont été effacées.
