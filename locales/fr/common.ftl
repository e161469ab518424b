# Layout, navigation, shared words, dates and numbers.

skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-account = Compte
nav-communities = Communautés
nav-new-community = Créer une communauté
nav-admin = Administration
nav-settings = Paramètres
nav-login = Se connecter
nav-logout = Se déconnecter
nav-signup = Créer un compte
footer-software = Récolte { $version } · logiciel libre sous licence AGPL-3.0
back-home = Retour à l’accueil
back-to = Retour à { $name }
back-to-post = Retour à la publication
pagination = Pagination
next-page = Page suivante
older-posts = Publications plus anciennes
save = Enregistrer
edit = Modifier
edited = modifié
delete = Supprimer
reply = Répondre
remote-origin = voir sur son instance
permalink = Lien permanent

member-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}
comment-count = { $count ->
    [0] Aucun commentaire
    [one] { $count } commentaire
   *[other] { $count } commentaires
}
like-count = { $count ->
    [one] { $count } mention « J’aime »
   *[other] { $count } mentions « J’aime »
}
like-button = J’aime ({ $count })

date-long = { $day } { $month } { $year }
date-time = { $day } { $month } { $year } à { $time }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

kind-interest = Intérêt
kind-project = Projet
kind-trade = Métier
kind-territory = Territoire
policy-open = ouverte à tous
policy-approval = sur validation
policy-invitation = sur invitation
policy-help-open = Ouverte : chacun peut rejoindre et publier.
policy-help-approval = Sur validation : un modérateur accepte chaque demande.
policy-help-invitation = Sur invitation : personne ne peut demander à rejoindre.

language-fr = Français
language-en = Anglais
language-de = Allemand
language-es = Espagnol
language-it = Italien
language-oc = Occitan
language-br = Breton
language-eu = Basque
language-ca = Catalan
language-native-fr = Français
language-native-en = English

flash-logged-in = Vous êtes connecté·e.
flash-logged-out = Vous êtes déconnecté·e. À bientôt !
flash-password-changed = Votre mot de passe est changé.
flash-profile-saved = Votre profil est enregistré.
flash-settings-saved = Vos paramètres sont enregistrés.
flash-community-settings-saved = Les paramètres de la communauté sont enregistrés.
flash-community-created = La communauté est créée : vous en êtes le modérateur. Présentez-la par une première publication.
flash-joined = Vous avez rejoint la communauté.
flash-join-requested = Votre demande est envoyée : un modérateur doit l’accepter.
flash-left = Vous avez quitté la communauté.
flash-request-accepted = La demande est acceptée : la personne est maintenant membre.
flash-request-rejected = La demande est refusée.
flash-post-published = Votre publication est en ligne.
flash-comment-published = Votre commentaire est publié.
flash-edited = Vos modifications sont enregistrées.
flash-post-deleted = La publication est supprimée.
flash-comment-deleted = Le commentaire est supprimé.
flash-liked = Vous aimez ce message.
flash-unliked = Vous n’aimez plus ce message.
flash-followed = Vous suivez maintenant cette personne.
flash-follow-requested = Votre demande de suivi est envoyée.
flash-unfollowed = Vous ne suivez plus cette personne.
flash-remote-follow-sent = Votre demande est envoyée : la communauté ou la personne apparaîtra dans vos abonnements dès qu’elle l’aura acceptée.
flash-account-approved = Le compte est validé : la personne peut se connecter.

# --- Media ---
flash-avatar-saved = Votre photo de profil est enregistrée.
flash-voted = Votre vote est enregistré.
# --- end media ---
## Compte (branche web)
flash-email-changed = Votre adresse e-mail est changée.
flash-account-deleted = Votre compte est supprimé. Merci d’avoir participé.
flash-instance-saved = Les réglages de l’instance sont enregistrés.
flash-instance-saved-adjusted = Les réglages de l’instance sont enregistrés. La couleur d’accent a été foncée sur fond clair pour rester lisible.
flash-role-changed = Le rôle du compte est changé.
flash-suspended = Le compte est suspendu : la personne ne peut plus se connecter.
flash-reactivated = Le compte est réactivé : la personne peut de nouveau se connecter.

## Instance logo (branding)
flash-logo-saved = Le logo est enregistré.
flash-logo-removed = Le logo est retiré.
