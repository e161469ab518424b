# Page texts.

home-title = Accueil
home-hello = Bonjour, { $name } !
home-about = Cette instance fait partie d’un réseau fédéré de professionnels des territoires : ses membres rejoignent et animent des communautés hébergées ici ou chez les structures partenaires, depuis ce site ou depuis une application compatible Mastodon.
home-feed = Votre fil
home-feed-empty = Votre fil est vide : rejoignez des communautés ou suivez des personnes pour y retrouver leurs publications.
home-my-communities = Vos communautés
home-no-communities = Vous n’avez encore rejoint aucune communauté : parcourez l’annuaire pour trouver celles qui vous concernent.
home-browse = Parcourir les communautés
home-public-communities = Communautés publiques
home-no-public-communities = Aucune communauté n’existe encore. Créez un compte pour lancer la première.
home-partners = Instances partenaires
home-all-communities = Voir toutes les communautés

login-title = Connexion
login-field = Nom d’utilisateur ou adresse e-mail
password-field = Mot de passe
login-submit = Se connecter
login-no-account = Pas encore de compte ?
login-wrong = Identifiant ou mot de passe incorrect.
login-throttled = Trop de tentatives de connexion échouées pour cet identifiant : réessayez dans { $minutes } minutes.
login-pending = Ce compte attend la validation d’un administrateur.
login-suspended = Ce compte est suspendu.

signup-title = Créer un compte
signup-closed = Les inscriptions sont fermées sur cette instance. Contactez son administrateur pour obtenir un compte.
signup-approval = Les inscriptions sont soumises à validation : expliquez en quelques mots votre demande.
username-field = Nom d’utilisateur
username-help = 2 à 30 caractères : lettres a-z, chiffres et « _ ».
email-field = Adresse e-mail
new-password-field = Mot de passe (8 caractères au moins)
reason-field = Pourquoi souhaitez-vous rejoindre le réseau ?
signup-submit = Créer mon compte
signup-have-account = Déjà un compte ?
signup-done = Bienvenue, { $name } ! Votre compte est créé : vous pouvez vous connecter.
signup-done-pending = Votre demande est enregistrée : un administrateur doit la valider avant votre première connexion.

settings-title = Paramètres du compte
settings-profile = Profil
settings-display-name = Nom affiché
settings-summary = Présentation
settings-password = Mot de passe
settings-current-password = Mot de passe actuel
settings-change-password = Changer le mot de passe
settings-language = Langue de l’interface

directory-title = Annuaire des communautés
directory-search = Rechercher
directory-all-kinds = Tous les types
directory-results = Résultats
directory-filter = Filtrer
directory-empty = Aucune communauté pour l’instant.
directory-no-match = Aucune communauté ne correspond à ces critères : élargissez la recherche, ou
community-kind-field = Type de communauté

community-new-title = Créer une communauté
community-new-intro = Une communauté réunit des personnes autour d’un sujet, d’un projet, d’un métier ou d’un territoire. Vous en serez le premier modérateur.
community-title-field = Titre
community-name-field = Identifiant
community-name-help = 2 à 30 caractères : lettres a-z, chiffres et « _ ». Il forme l’adresse !identifiant@{ $domain } et ne pourra plus changer.
community-description-field = Description
community-policy-field = Adhésion
community-create-submit = Créer la communauté

community-settings-title = Paramètres de la communauté
community-login-to-join = Connectez-vous pour rejoindre cette communauté
community-invitation-only = Cette communauté n’accueille de nouveaux membres que sur invitation.
community-ask-to-join = Demander à rejoindre
community-join = Rejoindre
community-request-pending = Votre demande attend la réponse d’un modérateur.
community-cancel-request = Annuler la demande
community-leave = Quitter la communauté
community-write = Écrire une publication
community-posts = Publications
community-no-posts = Aucune publication pour l’instant : lancez la discussion avec la première.
community-no-more-posts = Il n’y a pas de publication plus ancienne.
community-about = À propos
community-no-description = Cette communauté n’a pas encore de description.
community-rules = Règles
community-moderators = Modération
community-requests = Demandes d’adhésion
community-no-requests = Aucune demande en attente.
request-accept = Accepter
request-reject = Refuser
request-accept-who = Accepter la demande de { $name }
request-reject-who = Refuser la demande de { $name }

post-pinned = Épinglé
post-untitled = Sans titre
post-byline = Par { $author }, le { $date }
post-deleted = Cette publication a été supprimée.
compose-title = Publier dans { $community }
preview-title = Aperçu
preview-button = Aperçu
compose-submit = Publier
post-title-field = Titre
post-body-field = Texte
post-body-help = Mise en forme Markdown : **gras**, *italique*, [lien](https://…), listes avec « - ».
post-link-field = Lien (facultatif)
post-language-field = Langue de la publication
delete-warning = Le texte sera effacé ici et sur les instances qui l’ont reçu ; cette action est définitive.
delete-confirm = Oui, supprimer
cancel = Annuler
delete-post-title = Supprimer cette publication ?
delete-comment-title = Supprimer ce commentaire ?
edit-post-title = Modifier la publication
edit-comment-title = Modifier le commentaire
comment-field = Votre commentaire
comment-submit = Envoyer
comment-login = Connectez-vous pour commenter
comment-none = Aucun commentaire pour l’instant : soyez le premier à réagir.
comment-deleted = Ce commentaire a été supprimé.
reply-field = Votre réponse

profile-structure = Structure
profile-job = Fonction
profile-territory = Territoire
profile-skills = Compétences
profile-since = Membre depuis
profile-followers = Abonnés
profile-follow = Suivre
profile-unfollow = Ne plus suivre
profile-follow-pending = Demande de suivi en attente.
profile-posts = Publications
profile-no-posts = Aucune publication pour l’instant.
profile-no-posts-self = Vous n’avez encore rien publié : choisissez une communauté et écrivez-y.
profile-communities = Communautés
profile-no-communities = Membre d’aucune communauté pour l’instant.

follow-title = Suivre depuis une autre instance
follow-intro = Collez l’adresse d’une communauté ou d’une personne du réseau, hébergée ici ou sur une autre instance (Récolte, Lemmy, Mastodon…).
follow-handle-field = Adresse à suivre
follow-handle-help = Par exemple !climat@exemple.org pour une communauté, @prenom@exemple.org pour une personne, ou l’adresse web de sa page.
follow-not-found = Personne ni aucune communauté ne répond à cette adresse.
follow-unreachable = L’instance qui héberge cette adresse ne répond pas : réessayez plus tard.
follow-link = Suivre une communauté d’une autre instance

admin-title = Administration
admin-pending = Inscriptions à valider
admin-no-pending = Aucune inscription n’attend de validation.
admin-approve = Valider
admin-approve-who = Valider l’inscription de { $name }
admin-accounts = Comptes
admin-role = Rôle
admin-status = État
admin-since = Inscription
admin-mode-open = Inscriptions ouvertes : chacun peut créer un compte.
admin-mode-approval = Inscriptions sur validation : chaque compte attend votre accord.
admin-mode-closed = Inscriptions fermées : les comptes se créent en ligne de commande.
role-admin = Administrateur
role-moderator = Modérateur
role-member = Membre
status-active = Actif
status-pending = En attente
status-suspended = Suspendu

notifications-title = Notifications
notifications-none = Aucune notification pour l’instant : les réponses, mentions « J’aime », abonnements et demandes d’adhésion apparaîtront ici.
notifications-unread = { $count ->
    [one] { $count } nouvelle
   *[other] { $count } nouvelles
}
notification-new = Nouveau
notification-reply = { $who } a répondu dans « { $what } »
notification-like = { $who } aime votre message dans « { $what } »
notification-reblog = { $who } a partagé votre message dans « { $what } »
notification-follow = { $who } vous suit
notification-request = { $who } demande à rejoindre { $what }

oauth-title = Autoriser une application
oauth-authorized = Application autorisée
oauth-copy-code = Copiez ce code d’autorisation dans { $app } :
oauth-invalid = Demande d’autorisation invalide
oauth-authorize-app = Autoriser { $app }
oauth-asks = L’application { $app } demande l’accès à votre compte :
oauth-signed-in-as = Vous êtes connecté en tant que @{ $name }.
oauth-allow = Autoriser
oauth-deny = Refuser
oauth-expired = Le formulaire a expiré : rechargez la page et recommencez.
oauth-denied = Vous avez refusé l’accès à cette application.
oauth-response-type = Le paramètre response_type doit valoir « code ».
oauth-scope-read = lire votre compte, vos fils et vos notifications
oauth-scope-write = publier, répondre, aimer et modifier votre compte
oauth-scope-follow = suivre des personnes et des communautés, ou cesser de les suivre
oauth-scope-push = recevoir vos notifications
oauth-scope-profile = connaître votre identité

admin-federation-title = Fédération
admin-federation-link = État de la fédération : instances partenaires et livraisons
admin-federation-intro = Les instances avec lesquelles celle-ci échange, et les activités qui leur sont livrées. Une instance injoignable est réessayée pendant environ cinq jours ; après dix échecs sans succès depuis un jour, elle est mise de côté jusqu’à ce qu’elle se manifeste.
admin-federation-none = Aucune instance connue pour l’instant : elles apparaîtront dès qu’un membre suivra une personne ou une communauté d’ailleurs.
admin-instance = Instance
admin-instance-state = État
admin-last-success = Dernière livraison réussie
admin-deliveries-waiting = En attente
admin-deliveries-done = Livrées
admin-deliveries-failed = Abandonnées
admin-back = Retour à l’administration
instance-alive = Joignable
instance-failing = { $count ->
    [one] { $count } échec récent
   *[other] { $count } échecs récents
}
instance-dead = Injoignable depuis le { $since }
instance-never = Jamais

# --- Media: the avatar ---
settings-avatar = Photo de profil
settings-avatar-current = Votre photo de profil actuelle
settings-avatar-field = Nouvelle photo
settings-avatar-help = Une image PNG, JPEG, GIF ou WebP ; elle s’affiche à côté de votre nom.
settings-avatar-submit = Enregistrer la photo
# --- end media ---
## Fils (branche web)
nav-local = Fil local
nav-network = Tout le réseau
feed-sort = Trier les publications
feed-period = Période
feed-sort-new = Nouveautés
feed-sort-active = Actives
feed-sort-top = Les plus appréciées
feed-period-day = Aujourd’hui
feed-period-week = Cette semaine
feed-period-month = Ce mois-ci
feed-period-all = Depuis toujours
feed-next = Page suivante
feed-posts = Publications
feed-local-title = Fil local
feed-local-about = Les publications écrites par les membres de cette instance.
feed-local-empty = Personne n’a encore rien publié ici. Rejoignez une communauté et lancez la première discussion.
feed-network-title = Tout le réseau
feed-network-about = Toutes les publications connues de cette instance, ici et chez les instances partenaires.
feed-network-empty = Aucune publication n’est encore connue ici. Suivez une communauté d’une autre instance en collant son adresse pour recevoir ses publications.

## Fils de commentaires (branche web)
sub-thread-title = Un commentaire et ses réponses
sub-thread-all = Voir toute la discussion ({ $count ->
    [one] { $count } commentaire
   *[other] { $count } commentaires
})
sub-thread-context = En réponse à
comment-replies = { $count ->
    [one] { $count } réponse masquée
   *[other] { $count } réponses masquées
}

## Compte : adresse e-mail et suppression (branche web)
settings-email = Adresse e-mail
settings-new-email = Nouvelle adresse e-mail
settings-email-password = Votre mot de passe, pour confirmer le changement d’adresse
settings-change-email = Changer d’adresse
settings-delete = Supprimer le compte
settings-delete-explained = La suppression est définitive : vos publications et commentaires sont effacés (une mention « supprimé » reste à leur place), vos mentions « J’aime » et abonnements disparaissent, vos sessions et applications sont déconnectées, et les instances partenaires qui vous connaissent en sont informées. Votre nom d’utilisateur reste réservé.
settings-delete-password = Votre mot de passe, pour confirmer la suppression
settings-delete-confirm = Je comprends que mon compte et son contenu seront supprimés définitivement.
settings-delete-button = Supprimer définitivement mon compte

# --- Polls ---
poll-title = Sondage
poll-choose-one = Choisissez une réponse
poll-choose-many = Choisissez une ou plusieurs réponses
poll-vote = Voter
poll-mine = votre choix
poll-votes = { $count ->
    [one] { $count } voix
   *[other] { $count } voix
}
poll-voters = { $count ->
    [0] Personne n’a encore voté
    [one] { $count } personne a voté
   *[other] { $count } personnes ont voté
}
poll-ended = sondage terminé
poll-ends = se termine le { $date }
# --- end polls ---

## Administration : réglages de l’instance et comptes (branche web)
admin-settings-link = Réglages de l’instance : nom, description, couleur et inscriptions
admin-settings-title = Réglages de l’instance
admin-settings-name = Nom de l’instance
admin-settings-description = Courte description (page d’accueil et annuaires)
admin-settings-accent = Couleur d’accent
admin-settings-accent-help = Au format #rrggbb. Pour rester lisible, elle s’affiche en { $light } sur fond clair et en { $dark } sur fond sombre.
admin-settings-mode = Inscriptions
admin-actions = Actions
admin-role-of = Rôle de { $name }
admin-change-role = Changer le rôle
admin-suspend = Suspendre
admin-suspend-who = Suspendre le compte de { $name }
admin-reactivate = Réactiver
admin-reactivate-who = Réactiver le compte de { $name }

## Page d’un mot-clé (branche filters)
tag-about = Les publications et commentaires qui portent ce mot-clé, écrits ici ou sur les instances partenaires, du plus récent au plus ancien.
tag-items = Publications et commentaires
tag-comment = Commentaire
tag-empty = Rien ne porte encore ce mot-clé ici.
tag-no-more = Il n’y a rien d’autre avec ce mot-clé.

## Instance logo (branding)
admin-settings-logo = Logo
admin-settings-logo-help = Une image PNG, JPEG, GIF ou WebP, affichée en haut de chaque page à la place du nom de l’instance.
admin-settings-logo-current = Logo actuel
admin-settings-logo-upload = Envoyer le logo
admin-settings-logo-remove = Retirer le logo
